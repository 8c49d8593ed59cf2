"""
Category 1 (Basic model) - Points on a line
Question id: c1_line. Weight in the total: 1.

Seven points (x, y) lie exactly on a straight line. Build and train a model that learns the
relation, so that it predicts y for values of x it has never seen, including values well outside the
training range. The model takes one number and returns one number.

What the grader checks:
  - the file is a Keras model saved as mymodel.h5 (.h5),
  - input shape (1,) (the batch dimension is not counted),
  - output shape (1,),
  - no Lambda layers (they cannot be loaded safely),
  - the metric on hidden data: mae (lower is better); scores 1/5: 4, 2/5: 2, 3/5: 1, 4/5: 0.5, 5/5: 0.25.

(Generated from hidden_tests/c1_line.toml; your code goes below this docstring.)
"""

import numpy as np
import tensorflow as tf

# The training data: every point lies on the same straight line.
xs = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=np.float32)
ys = np.array([-4.0, -1.0, 2.0, 5.0, 8.0, 11.0, 14.0], dtype=np.float32)


def solution_model():
    # BEGIN SOLUTION
    # One neuron is the whole story: y = w * x + b. Repeating the seven points 30 times gives 30 SGD steps per
    # epoch, so 20 short epochs converge (Keras has a fixed cost per epoch, so this is far faster than 600 epochs).
    tf.keras.utils.set_random_seed(1)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # # YOUR CODE HERE: build, compile and train a model that predicts ys from xs.
    # # The stub below runs, but it trains for a single epoch, so its predictions are poor.
    # # Keep the Input layer: the grader expects exactly one number per example.
    # END STARTER
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(units=1),
    ])
    # BEGIN SOLUTION
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.02), loss="mean_squared_error")
    model.fit(np.tile(xs, 30), np.tile(ys, 30), epochs=20, batch_size=len(xs), verbose=0)
    # END SOLUTION
    # BEGIN STARTER: what the starter has here instead
    # model.compile(optimizer="sgd", loss="mean_squared_error")
    # model.fit(xs, ys, epochs=1, verbose=0)
    # END STARTER
    return model


# Run this file to train and save the model; then use "Submit and Test".
# Keep the file name mymodel.h5: that is the file the grader reads.
if __name__ == "__main__":
    model = solution_model()
    model.save("mymodel.h5")
